"""Review views, one module per page family; each view calls a selector or one service."""
