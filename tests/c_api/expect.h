/* The C tests' one assertion: counts a failure and prints it with the
   library's last error, without stopping the test. */
#ifndef LIVEFORMER_TESTS_C_API_EXPECT_H
#define LIVEFORMER_TESTS_C_API_EXPECT_H

#include <stdio.h>

#include "liveformer/liveformer.h"

static int failures = 0;

#define EXPECT(cond)                                                                                    \
  do {                                                                                                  \
    if (!(cond)) {                                                                                      \
      fprintf(stderr, "%s:%d: FAILED: %s (last error: %s)\n", __FILE__, __LINE__, #cond, lf_last_error()); \
      ++failures;                                                                                       \
    }                                                                                                   \
  } while (0)

#endif
