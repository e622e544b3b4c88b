// A shared object that is not a Parley plugin: it exports no entry symbol.
extern "C" __attribute__((visibility("default"))) int parley_not_a_plugin() {
    return 42;
}
