// String formats the API server enforces: for built-in kinds through the Go types (quantities,
// base64 `[]byte`, timestamps, int32 ranges), for CRDs the OpenAPI formats it checks. Formats not listed
// here are not checked by the API server either (or only by a controller), so they are accepted.

// <signedNumber><suffix>: binary SI (Ki..Ei), decimal SI (n, u, m, k, M..E) or a decimal exponent.
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;
const BASE64 = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Why `value` does not have `format`, or undefined when it does (or the format is not enforced). */
export function formatProblem(format: string, value: unknown): string | undefined {
  switch (format) {
    case 'quantity':
      return typeof value === 'number' || (typeof value === 'string' && QUANTITY.test(value))
        ? undefined
        : 'must be a quantity, e.g. 500m, 2Gi or 4';
    case 'int32':
      return typeof value === 'number' && (value < -(2 ** 31) || value > 2 ** 31 - 1)
        ? 'must fit in a 32-bit integer'
        : undefined;
    case 'byte':
      return typeof value === 'string' && !BASE64.test(value) ? 'must be base64-encoded' : undefined;
    case 'date':
      return typeof value === 'string' && !DATE.test(value) ? 'must be a date (YYYY-MM-DD)' : undefined;
    case 'date-time':
    case 'datetime':
      return typeof value === 'string' && !DATE_TIME.test(value) ? 'must be an RFC 3339 date-time' : undefined;
    case 'uuid':
      return typeof value === 'string' && !UUID.test(value) ? 'must be a UUID' : undefined;
    case 'ipv4':
      return typeof value === 'string' && !IPV4.test(value) ? 'must be an IPv4 address' : undefined;
    default:
      return undefined;
  }
}
