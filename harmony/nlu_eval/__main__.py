import sys

from harmony.nlu_eval.main import main

sys.exit(main())
