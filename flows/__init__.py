"""LangGraph flows of the assessments: one package per flow (`state.py`, `nodes.py`, `graph.py`).

Each package exposes `build_graph(*, llm, checkpointer)`; none compiles a graph at import time.
"""
