// Rules the Kubernetes API server applies to names, label keys and label values
// (k8s.io/apimachinery/pkg/util/validation). Checked at synth so nothing invalid is written.

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** An RFC 1123 DNS label: lower-case alphanumerics and '-', at most 63 characters. */
export function isDnsLabel(value: string, maxLength = 63): boolean {
  return value.length > 0 && value.length <= maxLength && DNS_LABEL.test(value);
}

/** An RFC 1123 DNS subdomain: DNS labels joined by '.', at most 253 characters. */
export function isDnsSubdomain(value: string): boolean {
  return value.length > 0 && value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/** A label or annotation key: an optional DNS-subdomain prefix and '/', then a name of at most 63. */
export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !isDnsSubdomain(prefix)) return false;
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** A label value: empty, or at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric. */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}
