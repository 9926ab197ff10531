"""DCAT-AP 3 and HealthDCAT-AP: namespaces and the profile chain that maps graphs to records."""
