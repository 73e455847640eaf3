import { configDrift } from './config-drift';

describe('configDrift', () => {
  it('names only the desired fields that differ', () => {
    const current = { subjects: ['b.>', 'a.>'], max_age: 10, storage: 'file', sealed: false };
    expect(configDrift(current, { subjects: ['a.>', 'b.>'], max_age: 10 })).toEqual([]);
    expect(configDrift(current, { subjects: ['a.>'], max_age: 20, storage: 'file' })).toEqual([
      'subjects',
      'max_age',
    ]);
  });

  it('ignores fields left undefined and reports fields the server lacks', () => {
    expect(configDrift({ a: 1 }, { a: 1, b: undefined })).toEqual([]);
    expect(configDrift({ a: 1 }, { c: 2 })).toEqual(['c']);
  });
});
