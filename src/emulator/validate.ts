/**
 * Field checks that collect every violation of a request before answering, the way Wix lists all
 * of them in one `validationError.fieldViolations`.
 */
import { validationError, violation, type FieldViolation } from './errors.js';

/** Array.isArray without its `any[]`: the items are still to be checked. */
function isArray(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** A value a Checker required, read after throwIfAny passed: absent only if throwIfAny was skipped. */
export function validated<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('a required value was read before Checker.throwIfAny()');
  return value;
}

interface Presence {
  required?: boolean;
}

interface Bounds extends Presence {
  min?: number;
  max?: number;
}

export class Checker {
  readonly violations: FieldViolation[] = [];

  fail(field: string, description: string, violatedRule: string, data: Record<string, unknown> = {}): void {
    this.violations.push(violation(field, description, violatedRule, data));
  }

  /** A rule with no dedicated `violatedRule`: Wix sends OTHER and names the rule in `ruleName`. */
  other(field: string, description: string, ruleName: string, data: Record<string, unknown> = {}): void {
    this.violations.push(violation(field, description, 'OTHER', data, ruleName));
  }

  /** Throws the collected violations as one 400 validationError. */
  throwIfAny(): void {
    if (this.violations.length > 0) throw validationError(this.violations);
  }

  private present(value: unknown, field: string, options: Presence): boolean {
    if (value !== undefined) return true;
    if (options.required) this.fail(field, 'is required', 'REQUIRED_FIELD');
    return false;
  }

  string(value: unknown, field: string, options: Bounds = {}): string | undefined {
    if (!this.present(value, field, options)) return undefined;
    if (typeof value !== 'string') {
      this.fail(field, 'must be a string', 'FORMAT', { type: 'string' });
      return undefined;
    }
    if (options.min !== undefined && value.length < options.min) {
      this.fail(field, `must be at least ${options.min} characters long`, 'MIN_LENGTH', { threshold: options.min });
      return undefined;
    }
    if (options.max !== undefined && value.length > options.max) {
      this.fail(field, `must be at most ${options.max} characters long`, 'MAX_LENGTH', { threshold: options.max });
      return undefined;
    }
    return value;
  }

  guid(value: unknown, field: string, options: Presence = {}): string | undefined {
    const text = this.string(value, field, options);
    if (text === undefined) return undefined;
    if (!isGuid(text)) {
      this.fail(field, 'must be a GUID', 'FORMAT', { format: 'GUID' });
      return undefined;
    }
    return text;
  }

  boolean(value: unknown, field: string, options: Presence = {}): boolean | undefined {
    if (!this.present(value, field, options)) return undefined;
    if (typeof value !== 'boolean') {
      this.fail(field, 'must be a boolean', 'FORMAT', { type: 'boolean' });
      return undefined;
    }
    return value;
  }

  integer(value: unknown, field: string, options: Bounds = {}): number | undefined {
    if (!this.present(value, field, options)) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.fail(field, 'must be an integer', 'FORMAT', { type: 'integer' });
      return undefined;
    }
    if (options.min !== undefined && value < options.min) {
      this.fail(field, `must be at least ${options.min}`, 'MIN', { threshold: options.min });
      return undefined;
    }
    if (options.max !== undefined && value > options.max) {
      this.fail(field, `must be at most ${options.max}`, 'MAX', { threshold: options.max });
      return undefined;
    }
    return value;
  }

  enumValue<T extends string>(value: unknown, field: string, allowed: readonly T[], options: Presence = {}): T | undefined {
    if (!this.present(value, field, options)) return undefined;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(field, `must be one of ${allowed.join(', ')}`, 'FORMAT', { allowed });
      return undefined;
    }
    return value as T;
  }

  object(value: unknown, field: string, options: Presence = {}): Record<string, unknown> | undefined {
    if (!this.present(value, field, options)) return undefined;
    if (!isRecord(value)) {
      this.fail(field, 'must be an object', 'FORMAT', { type: 'object' });
      return undefined;
    }
    return value;
  }

  array(value: unknown, field: string, options: Bounds = {}): unknown[] | undefined {
    if (!this.present(value, field, options)) return undefined;
    if (!isArray(value)) {
      this.fail(field, 'must be an array', 'FORMAT', { type: 'array' });
      return undefined;
    }
    if (options.max !== undefined && value.length > options.max) {
      this.fail(field, `must have at most ${options.max} items`, 'MAX_SIZE', { threshold: options.max });
      return undefined;
    }
    return value;
  }
}
