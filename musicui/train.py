"""``python -m musicui.train --config NAME``: see ``musicui.model.train``."""

from musicui.model.train import main

if __name__ == "__main__":
    main()
