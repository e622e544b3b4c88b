// The loader against real plugin files: where it looks, what it refuses, and that a plugin's
// library stays mapped exactly as long as something it made is alive.
#include <filesystem>
#include <fstream>

#include <dlfcn.h>
#include <gtest/gtest.h>

#include "plugins/plugin_test_host.hpp"
#include "plugins/run_awaitable.hpp"

namespace parley::test {
namespace {

std::filesystem::path plugin_dir() {
    return host::default_plugin_paths().back();
}

bool is_mapped(const std::filesystem::path& library) {
    void* handle = ::dlopen(library.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (handle == nullptr) {
        return false;
    }
    ::dlclose(handle);  // drops the reference RTLD_NOLOAD just took
    return true;
}

host::PluginRequest request(std::string kind, std::string name, std::filesystem::path path = {}) {
    host::PluginRequest r;
    r.kind = std::move(kind);
    r.name = std::move(name);
    r.explicit_path = std::move(path);
    return r;
}

std::string error_of(host::PluginLoader& loader, const host::PluginRequest& r) {
    PluginTestHost host;
    try {
        host.load(r, loader);
    } catch (const host::PluginError& e) {
        return e.what();
    }
    return "no error";
}

TEST(PluginLoaderTest, TheLibraryLivesAsLongAsWhatItMade) {
    const auto library = plugin_dir() / "parley-store-memory.so";
    ASSERT_TRUE(std::filesystem::exists(library));
    ASSERT_FALSE(is_mapped(library)) << "nothing has loaded it yet";

    std::shared_ptr<Store> store;
    {
        PluginTestHost host;
        host::PluginLoader loader({plugin_dir()});
        host.load(request("store", "memory"), loader);
        store = host.store;
    }
    // Loader and host are gone; the store still runs code from the library.
    ASSERT_TRUE(is_mapped(library));
    const auto claim = run_awaitable(store->claim({7, "n1", 1}, DuplicateLoginPolicy::reject));
    EXPECT_TRUE(claim.granted);

    store.reset();
    EXPECT_FALSE(is_mapped(library)) << "the last object released the library";
}

TEST(PluginLoaderTest, SearchPathsAreTriedInOrderAndAllAreNamedWhenNothingMatches) {
    host::PluginLoader loader({"/nonexistent/first", plugin_dir()});
    EXPECT_EQ(loader.resolve(request("store", "memory")), plugin_dir() / "parley-store-memory.so");

    const std::string message = error_of(loader, request("store", "memroy"));
    EXPECT_NE(message.find("/nonexistent/first/parley-store-memroy.so"), std::string::npos)
        << message;
    EXPECT_NE(message.find((plugin_dir() / "parley-store-memroy.so").string()), std::string::npos)
        << message;
    EXPECT_NE(message.find("did you mean 'memory'?"), std::string::npos) << message;
}

TEST(PluginLoaderTest, AnExplicitPathIsUsedAsIsAndMustExist) {
    host::PluginLoader loader({});
    const auto file = plugin_dir() / "parley-store-memory.so";
    EXPECT_EQ(loader.resolve(request("store", "memory", file)), file);
    const std::string message = error_of(loader, request("store", "memory", "/nope/x.so"));
    EXPECT_NE(message.find("no plugin file at /nope/x.so"), std::string::npos) << message;
}

TEST(PluginLoaderTest, AFileOfAnotherKindIsRefused) {
    host::PluginLoader loader({});
    const std::string message =
        error_of(loader, request("transport", "memory", plugin_dir() / "parley-store-memory.so"));
    EXPECT_NE(message.find("the file holds store plugin 'memory'"), std::string::npos) << message;
}

TEST(PluginLoaderTest, AFileThatIsNoSharedObjectIsRefused) {
    const auto not_a_library = std::filesystem::temp_directory_path() / "parley-store-text.so";
    { std::ofstream(not_a_library) << "plain text"; }
    host::PluginLoader loader({});
    const std::string message = error_of(loader, request("store", "text", not_a_library));
    std::filesystem::remove(not_a_library);
    EXPECT_NE(message.find("does not load"), std::string::npos) << message;
}

}  // namespace
}  // namespace parley::test
