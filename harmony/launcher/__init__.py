"""Starting the product's processes: environments, model training, services."""
