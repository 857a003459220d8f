"""Example seeds (ABC), one click away in the studio. A package so that the .abc files ship with it."""
