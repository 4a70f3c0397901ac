"""The gateway: the only public service (widget socket, shop pages, agent console)."""
