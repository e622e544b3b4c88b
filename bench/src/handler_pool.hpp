#pragma once
// Memory for Asio's operation objects, recycled per event loop. Asio's own per-thread cache
// keeps two blocks, which thousands of connections with a read and a write in flight each
// overflow at once, so every operation would reach malloc. This pool keeps freed blocks in
// free lists by size (64-byte classes up to 1 KiB) and hands them out again.
// Not thread safe: one pool per Loop, used from its thread only.

#include <array>
#include <cstddef>
#include <new>

namespace parley::bench {

class HandlerPool {
  public:
    HandlerPool() = default;
    HandlerPool(const HandlerPool&) = delete;
    HandlerPool& operator=(const HandlerPool&) = delete;
    ~HandlerPool() {
        for (auto* head : free_) {
            while (head != nullptr) {
                auto* next = head->next;
                ::operator delete(head);
                head = next;
            }
        }
    }

    void* allocate(std::size_t size) {
        const auto size_class = class_of(size);
        if (size_class >= kClasses) {
            return ::operator new(size);
        }
        if (Block* block = free_[size_class]) {
            free_[size_class] = block->next;
            return block;
        }
        return ::operator new((size_class + 1) * kGranule);
    }

    void deallocate(void* pointer, std::size_t size) noexcept {
        const auto size_class = class_of(size);
        if (size_class >= kClasses) {
            ::operator delete(pointer);
            return;
        }
        auto* block = static_cast<Block*>(pointer);
        block->next = free_[size_class];
        free_[size_class] = block;
    }

  private:
    struct Block {
        Block* next;
    };
    static constexpr std::size_t kGranule = 64;
    static constexpr std::size_t kClasses = 16;
    static std::size_t class_of(std::size_t size) noexcept {
        return size == 0 ? 0 : (size - 1) / kGranule;
    }

    std::array<Block*, kClasses> free_{};
};

/// A standard allocator over a HandlerPool, to bind to handlers with asio::bind_allocator.
template <typename T>
class PoolAllocator {
  public:
    using value_type = T;

    explicit PoolAllocator(HandlerPool& pool) noexcept : pool_(&pool) {}
    template <typename U>
    PoolAllocator(const PoolAllocator<U>& other) noexcept : pool_(other.pool()) {}

    T* allocate(std::size_t n) { return static_cast<T*>(pool_->allocate(n * sizeof(T))); }
    void deallocate(T* pointer, std::size_t n) noexcept {
        pool_->deallocate(pointer, n * sizeof(T));
    }
    HandlerPool* pool() const noexcept { return pool_; }

    template <typename U>
    bool operator==(const PoolAllocator<U>& other) const noexcept {
        return pool_ == other.pool();
    }

  private:
    HandlerPool* pool_;
};

}  // namespace parley::bench
