// The functions completion, hover and signature help offer. The language core owns the
// function catalogue; this adapts it to one shape for the editor features.

export interface FunctionSignature {
  /** e.g. "from_unixtime(unix_timestamp BIGINT, format VARCHAR)" */
  label: string;
  parameters: string[];
  returns?: string;
}

export interface FunctionDoc {
  name: string;
  signatures: FunctionSignature[];
  docs: string;
  minArgs?: number;
  maxArgs?: number;
}

let catalogue: FunctionDoc[] = [];
let byName = new Map<string, FunctionDoc>();

export function setFunctions(list: FunctionDoc[]): void {
  catalogue = list;
  byName = new Map(list.map((f) => [f.name.toLowerCase(), f]));
}

export function functions(): readonly FunctionDoc[] {
  return catalogue;
}

export function findFunction(name: string): FunctionDoc | undefined {
  return byName.get(name.toLowerCase());
}

export function functionMarkdown(f: FunctionDoc): string {
  const sigs = f.signatures.map((s) => `${s.label}${s.returns ? ` → ${s.returns}` : ''}`).join('\n');
  return ['```sql', sigs || `${f.name}(…)`, '```', '', f.docs].join('\n');
}
