/*
 * fuzz.h: what the libFuzzer harnesses in tests/fuzz share: turning the
 * fuzzer's bytes into a file (the rules loader, the state loader and the
 * line reader take paths or descriptors), and the entry point's prototype.
 */
#ifndef AS_TAIL_FUZZ_H
#define AS_TAIL_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
/*
 * Write data to this process's scratch file named for tag (in $TMPDIR or
 * /tmp); return its path, borrowed until the next call with that tag.
 */
const char	*fuzz_file(const char *, const void *, size_t);

#endif /* AS_TAIL_FUZZ_H */
