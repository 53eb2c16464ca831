import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, resolveAsset } from '../../src/main/host/static-files';

const root = '/srv/renderer';

describe('resolving renderer assets', () => {
  it('serves index.html for the root and files below the folder', () => {
    expect(resolveAsset(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveAsset(root, '')).toBe(join(root, 'index.html'));
    expect(resolveAsset(root, '/assets/index-abc.js')).toBe(join(root, 'assets', 'index-abc.js'));
    expect(resolveAsset(root, '/assets/a%20b.css?x=1#y')).toBe(join(root, 'assets', 'a b.css'));
  });

  it('never leaves the folder', () => {
    for (const path of [
      '/../package.json',
      '/assets/../../etc/passwd',
      '/%2e%2e/secret',
      '/..%2f..%2fetc/passwd',
      '/a/%00',
      '/%E0%A4%A',
    ]) {
      const resolved = resolveAsset(root, path);
      if (resolved !== null) expect(resolved.startsWith(`${root}/`)).toBe(true);
    }
    expect(resolveAsset(root, '/../package.json')).toBeNull();
    expect(resolveAsset(root, '/%2e%2e/secret')).toBeNull();
    expect(resolveAsset(root, '/a/%00')).toBeNull();
    expect(resolveAsset(root, '/%E0%A4%A')).toBeNull();
  });

  it('labels content types', () => {
    expect(contentTypeFor('x/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('x/a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('x/unknown.bin')).toBe('application/octet-stream');
  });
});
