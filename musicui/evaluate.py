"""``python -m musicui.evaluate CHECKPOINT``: see ``musicui.model.evaluate``."""

from musicui.model.evaluate import main

if __name__ == "__main__":
    main()
