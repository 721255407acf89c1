// liveformer's version (LIVEFORMER_VERSION_STRING etc.), shared with the C API.
#pragma once

#include "liveformer/version.h"
