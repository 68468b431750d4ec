#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// The 64 round constants of FIPS 180-4, shared with MigrateCore's portable rounds.
extern const uint32_t migrate_sha256_round_constants[64];

/// Whether this CPU has the SHA-256 instructions (x86 SHA extensions with SSSE3 and SSE4.1).
int migrate_sha256_hardware_available(void);

/// Compresses `blocks` 64-byte blocks of `data` into `state` (the eight hash words) with the
/// SHA-256 instructions. Call only when migrate_sha256_hardware_available() returned 1.
void migrate_sha256_hardware_compress(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
