// Declarations only (see include/CSQLiteDirect.h); SwiftPM needs one source file for a C target.
#include "CSQLiteDirect.h"
