/*
 * sha256.h: SHA-256 (FIPS 180-4), only to name things after a secret
 * without revealing it: the host budget's file and the Redis keys are named
 * by a hash of the API key.
 */
#ifndef AS_TAIL_SHA256_H
#define AS_TAIL_SHA256_H

#include <stddef.h>

/* Write the digest of data as 64 lower-case hex digits and a NUL into hex. */
void	sha256_hex(const void *, size_t, char [65]);

#endif /* AS_TAIL_SHA256_H */
