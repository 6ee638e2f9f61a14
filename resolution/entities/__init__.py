"""From clusters to entities: stable ids, golden attributes, re-pointed relations, evidence."""
