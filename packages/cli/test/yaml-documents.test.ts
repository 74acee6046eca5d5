import { cachingYamlDocuments, knownYamlDocuments, yamlDocuments } from '../src/yaml-documents';

const TEXT = 'kind: ConfigMap\ndata: { a: "1" }\n---\nkind: Secret\n';

describe('yamlDocuments', () => {
  test('gives each document as toJS() does, and the first syntax error of a bad one', () => {
    expect(yamlDocuments(TEXT)).toEqual([{ value: { kind: 'ConfigMap', data: { a: '1' } } }, { value: { kind: 'Secret' } }]);
    expect(yamlDocuments('a: [1\n')[0].error).toMatch(/flow sequence|Missing|\]/);
  });

  test('with the cache on, a text is parsed once and every reader gets the same values, frozen (a change throws)', () => {
    // GIVEN the cache on WHEN the same text is read twice
    const [first, second] = cachingYamlDocuments(() => [yamlDocuments(TEXT), yamlDocuments(TEXT)]);
    // THEN both readers get the same values, which no reader can change for the others
    expect(second).toEqual(yamlDocuments(TEXT));
    expect(second[0].value).toBe(first[0].value);
    const value = first[0].value as { kind: string; data: { a: string } };
    expect(() => (value.kind = 'Changed')).toThrow(TypeError);
    expect(() => (value.data.a = '2')).toThrow(TypeError);
    // AND the list of documents is each reader's own
    expect(second).not.toBe(first);
  });

  test('a text whose documents are known is not parsed while the cache is on', () => {
    // GIVEN a text told to the cache with its documents (a text that would not even parse)
    const known = cachingYamlDocuments(() => {
      knownYamlDocuments('a: [1\n', [{ kind: 'ConfigMap' }]);
      return yamlDocuments('a: [1\n');
    });
    // THEN a reader gets the known documents, frozen; without the cache, the text is parsed
    expect(known).toEqual([{ value: { kind: 'ConfigMap' } }]);
    expect(Object.isFrozen(known[0].value)).toBe(true);
    expect(yamlDocuments('a: [1\n')[0].error).toBeDefined();
  });
});
