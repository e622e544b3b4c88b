#pragma once

#include <cstddef>
#include <cstdint>
#include <new>

namespace parley::net {

/// Room inside a long-lived object for one pending asynchronous operation at a time (the
/// pattern of Asio's "allocation" example). A connection's readiness wait is pending for as
/// long as the connection is idle; kept here it needs no heap block of its own, and never
/// inherits an oversized block from Asio's per-thread recycling cache. An operation that does
/// not fit, or that starts while the room is taken, goes to the heap.
template <std::size_t Size>
class HandlerMemory {
  public:
    /// Asio's operations hold pointers and integers; 8 bytes of alignment (not 16) keeps the
    /// owner free of padding. HandlerAllocator checks it at compile time.
    static constexpr std::size_t kAlignment = alignof(std::uint64_t);

    HandlerMemory() = default;
    HandlerMemory(const HandlerMemory&) = delete;
    HandlerMemory& operator=(const HandlerMemory&) = delete;

    void* allocate(std::size_t size) {
        if (!in_use_ && size <= Size) {
            in_use_ = true;
            return storage_;
        }
        return ::operator new(size);
    }
    void deallocate(void* pointer) noexcept {
        if (pointer == storage_) {
            in_use_ = false;
        } else {
            ::operator delete(pointer);
        }
    }

  private:
    alignas(kAlignment) std::byte storage_[Size];
    bool in_use_ = false;
};

/// The allocator Asio asks for an operation's memory (bind it with asio::bind_allocator).
template <typename T, std::size_t Size>
class HandlerAllocator {
  public:
    using value_type = T;
    template <typename U>
    struct rebind {
        using other = HandlerAllocator<U, Size>;
    };

    explicit HandlerAllocator(HandlerMemory<Size>& memory) noexcept : memory_(&memory) {}
    template <typename U>
    HandlerAllocator(const HandlerAllocator<U, Size>& other) noexcept : memory_(other.memory_) {}

    T* allocate(std::size_t n) {
        static_assert(alignof(T) <= HandlerMemory<Size>::kAlignment);
        return static_cast<T*>(memory_->allocate(sizeof(T) * n));
    }
    void deallocate(T* pointer, std::size_t) noexcept { memory_->deallocate(pointer); }

    template <typename U>
    bool operator==(const HandlerAllocator<U, Size>& other) const noexcept {
        return memory_ == other.memory_;
    }

  private:
    template <typename, std::size_t>
    friend class HandlerAllocator;
    HandlerMemory<Size>* memory_;
};

}  // namespace parley::net
