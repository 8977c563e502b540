"""The secretariat's web dashboard (FastAPI, server-rendered Jinja2 pages, htmx for the small
live parts; every static file served from `static/`, no CDN). It calls the same services as the
chat and the command line, and writes every change to the audit log with channel "web"."""
