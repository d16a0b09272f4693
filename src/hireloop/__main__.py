"""python -m hireloop"""

from hireloop.cli import app

app()
