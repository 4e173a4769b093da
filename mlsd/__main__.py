"""``python -m mlsd``."""

from mlsd.cli import main

raise SystemExit(main())
