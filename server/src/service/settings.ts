// The settings the service reads. The LSP layer fills them from workspace/configuration
// (`routineLoad.diagnostics.*`); tests set them directly.

export type RuleSeverity = 'off' | 'error' | 'warning' | 'information' | 'hint';

export interface ServiceSettings {
  diagnostics: {
    enable: boolean;
    /** Per diagnostic code: lower, raise or silence a rule. Codes missing here keep the core's severity. */
    rules: Record<string, RuleSeverity>;
  };
}

export const DEFAULT_SETTINGS: ServiceSettings = {
  diagnostics: { enable: true, rules: {} },
};

const SEVERITIES: readonly RuleSeverity[] = ['off', 'error', 'warning', 'information', 'hint'];

export function isRuleSeverity(value: unknown): value is RuleSeverity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** Settings from untrusted JSON: anything malformed falls back to the default, never throws. */
export function readSettings(raw: unknown): ServiceSettings {
  const settings: ServiceSettings = { diagnostics: { enable: true, rules: {} } };
  const diagnostics = (raw as { diagnostics?: unknown } | null | undefined)?.diagnostics;
  if (diagnostics && typeof diagnostics === 'object') {
    const d = diagnostics as { enable?: unknown; rules?: unknown };
    if (typeof d.enable === 'boolean') settings.diagnostics.enable = d.enable;
    if (d.rules && typeof d.rules === 'object') {
      for (const [code, severity] of Object.entries(d.rules as Record<string, unknown>)) {
        const s = typeof severity === 'string' ? severity.toLowerCase() : severity;
        if (isRuleSeverity(s)) settings.diagnostics.rules[code] = s;
      }
    }
  }
  return settings;
}
