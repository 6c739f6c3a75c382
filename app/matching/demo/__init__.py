"""The synthetic Grand-Est population: real communes, a training catalogue and a seeded generator."""
