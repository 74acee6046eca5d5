import { cachingYamlDocuments, yamlDocuments } from '../src/yaml-documents';

const TEXT = 'kind: ConfigMap\ndata: { a: "1" }\n---\nkind: Secret\n';

describe('yamlDocuments', () => {
  test('gives each document as toJS() does, and the first syntax error of a bad one', () => {
    expect(yamlDocuments(TEXT)).toEqual([{ value: { kind: 'ConfigMap', data: { a: '1' } } }, { value: { kind: 'Secret' } }]);
    expect(yamlDocuments('a: [1\n')[0].error).toMatch(/flow sequence|Missing|\]/);
  });

  test('with the cache on, a text parsed twice gives equal values that are copies (a reader may change its own)', () => {
    // GIVEN the cache on WHEN the same text is read twice and the first result changed
    const [first, second] = cachingYamlDocuments(() => {
      const a = yamlDocuments(TEXT);
      (a[0].value as { kind: string }).kind = 'Changed';
      return [a, yamlDocuments(TEXT)];
    });
    // THEN the second read is the original, not the first reader's object
    expect(second).toEqual(yamlDocuments(TEXT));
    expect(second[0].value).not.toBe(first[0].value);
    expect((first[0].value as { kind: string }).kind).toBe('Changed');
  });
});
