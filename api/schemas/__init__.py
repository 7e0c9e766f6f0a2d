"""Request and response models of the REST API: per entity a Create, an Update and a Public."""
