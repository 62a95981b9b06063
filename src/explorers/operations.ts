import { readdirSync, readFileSync } from 'node:fs';
import { Kind, parse, print, visit, type DefinitionNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * The named operations of the `.graphql` files in `directory`, each as a standalone document: the
 * operation followed by every fragment it uses, directly or through other fragments. The browser
 * sends one operation per request, as the typed clients generated from the same files do.
 */
export function loadOperations(directory: URL): Map<string, string> {
  const files = readdirSync(directory)
    .filter((name) => name.endsWith('.graphql'))
    .sort();
  const definitions: DefinitionNode[] = files.flatMap(
    (name) => parse(readFileSync(new URL(name, directory), 'utf8'), { noLocation: true }).definitions,
  );
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const operations = new Map<string, string>();
  for (const definition of definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const name = definition.name?.value;
    if (!name || !IDENTIFIER.test(name))
      throw new Error(`every operation in ${directory.pathname} needs a name usable as a JavaScript identifier`);
    if (operations.has(name)) throw new Error(`operation ${name} is defined twice in ${directory.pathname}`);
    operations.set(name, [definition, ...fragmentsUsedBy(definition, fragments)].map((node) => print(node)).join('\n\n'));
  }
  return operations;
}

function fragmentsUsedBy(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const pending: Array<OperationDefinitionNode | FragmentDefinitionNode> = [operation];
  for (let node = pending.pop(); node; node = pending.pop()) {
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (used.has(name)) return;
        const fragment = fragments.get(name);
        if (!fragment) throw new Error(`operation ${operation.name?.value ?? ''} uses the unknown fragment ${name}`);
        used.set(name, fragment);
        pending.push(fragment);
      },
    });
  }
  return [...used.values()];
}

/** An ES module with one string export per operation: `export const Schedules = "query Schedules …";` */
export function operationsModule(operations: ReadonlyMap<string, string>): string {
  const exports = [...operations].map(([name, text]) => `export const ${name} = ${JSON.stringify(text)};`);
  return `// The operations of client/operations/*.graphql, served by the gateway.\n${exports.join('\n')}\n`;
}
