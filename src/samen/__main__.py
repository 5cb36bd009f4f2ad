from samen.cli import main

raise SystemExit(main())
