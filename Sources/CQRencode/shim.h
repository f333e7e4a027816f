// Debian: apt-get install libqrencode-dev
#include <qrencode.h>
