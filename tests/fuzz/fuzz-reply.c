/*
 * fuzz-reply.c: the parser of the server's replies, on any body.
 */
#include <stdlib.h>
#include <string.h>

#include "../../src/api.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct api_reply	 reply;
	char			*text;

	text = malloc(len + 1);
	memcpy(text, data, len);
	text[len] = '\0';
	api_reply_parse(text, &reply);
	api_reply_free(&reply);
	free(text);
	return 0;
}
