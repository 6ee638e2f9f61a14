"""Turn path rows from Neo4j into deduplicated nodes, relationships and ordered hops."""

from __future__ import annotations

from typing import Any

from service.schemas import GraphNode, GraphRelationship, Hop, PathResult, Subgraph


class SubgraphBuilder:
    def __init__(self) -> None:
        self.nodes: dict[str, GraphNode] = {}
        self.relationships: dict[str, GraphRelationship] = {}

    def add_path(self, row: dict[str, Any]) -> PathResult:
        node_ids: list[str] = []
        for node in row["nodes"]:
            props = dict(node["props"])
            node_id = str(node["id"])
            node_ids.append(node_id)
            if node_id not in self.nodes:
                name = props.get("name") or props.get("text")
                self.nodes[node_id] = GraphNode(id=node_id, labels=node["labels"], name=name, properties=props)
        hops: list[Hop] = []
        for index, rel in enumerate(row["relationships"]):
            rel_id = str(rel["id"])
            self.relationships.setdefault(
                rel_id,
                GraphRelationship(id=rel_id, type=rel["type"], start_node=str(rel["start"]),
                                  end_node=str(rel["end"]), properties=dict(rel["props"])),
            )
            here, there = node_ids[index], node_ids[index + 1]
            direction = "forward" if str(rel["start"]) == here else "backward"
            hops.append(Hop(from_id=here, to_id=there, type=rel["type"], direction=direction))
        return PathResult(length=len(hops), node_ids=node_ids, hops=hops)

    def subgraph(self) -> Subgraph:
        """Every node and relationship added so far, each once."""
        return Subgraph(nodes=list(self.nodes.values()), relationships=list(self.relationships.values()))
