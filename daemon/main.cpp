// daemon/main.cpp — entry point of the feedkeeper binary. Threading: the main thread.
#include "daemon/cli.hpp"

int main(int argc, char** argv) { return feedkeeper::daemon::run_cli(argc, argv); }
