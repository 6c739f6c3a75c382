"""Staff accounts: creating them, logging in (with lockout and rate limiting) and server-side login sessions.

Nothing here knows about HTTP; `app.web.auth` turns it into FastAPI dependencies.
"""
