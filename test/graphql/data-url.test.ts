// The data-URL check shared by uploadImage and importImage: accepted forms, and the error clients get.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphQLError } from 'graphql';
import { decodeImageDataUrl } from '../../src/graphql/data-url.js';

const UPLOAD_TYPES = ['png', 'jpeg', 'webp', 'gif', 'avif', 'tiff'];

function rejection(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('expected a rejection');
}

test('an accepted data URL gives its media type and bytes', () => {
  assert.deepEqual(decodeImageDataUrl('data:image/webp;base64,AAEC', UPLOAD_TYPES), { mediaType: 'image/webp', bytes: Buffer.from([0, 1, 2]) });
  assert.deepEqual(decodeImageDataUrl('data:image/png;base64,AA==', ['png']).bytes, Buffer.from([0]));
});

test('several accepted types: the message lists the subtypes, allowedValues the media types', () => {
  const error = rejection(() => decodeImageDataUrl('data:image/bmp;base64,AAEC', UPLOAD_TYPES));
  assert.equal(error.message, 'dataUrl must be "data:image/<png|jpeg|webp|gif|avif|tiff>;base64,<data>"');
  assert.deepEqual(error.extensions, {
    code: 'BAD_USER_INPUT',
    field: 'dataUrl',
    allowedValues: ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/avif', 'image/tiff'],
  });
});

test('one accepted type is named as it is; malformed URLs are refused the same way', () => {
  for (const dataUrl of ['data:image/jpeg;base64,AAEC', 'data:image/png,AAEC', 'data:image/png;base64,AA=B', 'image/png;base64,AAEC', '']) {
    const error = rejection(() => decodeImageDataUrl(dataUrl, ['png']));
    assert.equal(error.message, 'dataUrl must be "data:image/png;base64,<data>"', dataUrl);
    assert.deepEqual(error.extensions, { code: 'BAD_USER_INPUT', field: 'dataUrl', allowedValues: ['image/png'] });
  }
});
