// Type guards for the tree's node kinds (vscode-kubernetes-tools' node.ts style): commands receive
// nodes as their first argument and must tell them from argument objects. A node is recognised
// by its class, never by its shape, so a JSON argument (a `command:` link, another extension)
// can never pass for a tree node.
import { ClusterNode } from './node.cluster.js';
import { DetailNode } from './node.detail.js';
import { MessageNode } from './node.message.js';
import { ModeNode } from './node.mode.js';
import { PoliciesNode } from './node.policies.js';
import { PolicyNode } from './node.policy.js';
import { PrimaryLinkNode, SecondaryNode } from './node.secondary.js';

export type AnyNode = ClusterNode | ModeNode | SecondaryNode | PrimaryLinkNode | DetailNode | MessageNode | PoliciesNode | PolicyNode;

const NODE_CLASSES = [ClusterNode, ModeNode, SecondaryNode, PrimaryLinkNode, DetailNode, MessageNode, PoliciesNode, PolicyNode];

export function isExplorerNode(x: unknown): x is AnyNode {
  return NODE_CLASSES.some((c) => x instanceof c);
}

export function isDetailNode(x: unknown): x is DetailNode {
  return x instanceof DetailNode;
}
