"""Turn path rows from Neo4j into deduplicated nodes, relationships and ordered hops."""

from __future__ import annotations

from typing import Any

from service.schemas import GraphNode, GraphRelationship, Hop, PathResult, Subgraph


class SubgraphBuilder:
    def __init__(self) -> None:
        self.nodes: dict[str, GraphNode] = {}
        self.relationships: dict[str, GraphRelationship] = {}

    def add_node(self, node: dict[str, Any]) -> str:
        """Register a node map ``{id, labels, props}`` (once per id); returns its id."""
        node_id = str(node["id"])
        if node_id not in self.nodes:
            props = dict(node["props"])
            name = props.get("name") or props.get("text")
            self.nodes[node_id] = GraphNode(id=node_id, labels=node["labels"], name=name, properties=props)
        return node_id

    def add_relationship(self, rel: dict[str, Any]) -> str:
        """Register a relationship map ``{id, type, start, end, props}`` (once per id); returns its id."""
        rel_id = str(rel["id"])
        if rel_id not in self.relationships:
            self.relationships[rel_id] = GraphRelationship(
                id=rel_id, type=rel["type"], start_node=str(rel["start"]), end_node=str(rel["end"]),
                properties=dict(rel["props"]),
            )
        return rel_id

    def add_path(self, row: dict[str, Any]) -> PathResult:
        """A path row carrying its own node and relationship maps (``nodes``, ``relationships``)."""
        node_ids = [self.add_node(node) for node in row["nodes"]]
        rel_ids = [self.add_relationship(rel) for rel in row["relationships"]]
        return self.path(node_ids, rel_ids)

    def path(self, node_ids: list[str], relationship_ids: list[str]) -> PathResult:
        """A path over nodes and relationships already added, given by id in path order."""
        hops: list[Hop] = []
        for index, rel_id in enumerate(relationship_ids):
            rel = self.relationships[rel_id]
            here, there = node_ids[index], node_ids[index + 1]
            direction = "forward" if rel.start_node == here else "backward"
            hops.append(Hop(from_id=here, to_id=there, type=rel.type, direction=direction))
        return PathResult(length=len(hops), node_ids=list(node_ids), hops=hops)

    def subgraph(self) -> Subgraph:
        """Every node and relationship added so far, each once."""
        return Subgraph(nodes=list(self.nodes.values()), relationships=list(self.relationships.values()))
