// SPDX-License-Identifier: GPL-2.0

//! Wait queues with C's `wait_event_interruptible()` semantics, and poll
//! tables.
//!
//! 7.3's [`CondVar`](kernel::sync::CondVar) sleeps with a lock guard and, woken
//! by a signal, returns "signal pending" without looking at the condition
//! again (rust/kernel/sync/condvar.rs). C's `wait_event_interruptible()`
//! takes no lock and checks the condition after it notices the signal, so a
//! condition that is already true wins over a pending signal: a reader that
//! gets a byte and a signal at once returns the byte, as `pipe_read()` does.
//! [`WaitQueue`] is that, over a `struct wait_queue_head`, with the wake-up
//! of `if (wq_has_sleeper(wq)) wake_up_interruptible(wq)` and the
//! registration of `poll_wait()`.

use core::{
    marker::{
        PhantomData,
        PhantomPinned, //
    },
    ptr, //
};
use kernel::{
    bindings,
    fs::File,
    prelude::*,
    sync::{
        barrier::{
            smp_mb,
            Full, //
        },
        rcu::synchronize_rcu,
        LockClassKey, //
    },
    task::{
        might_sleep,
        MAX_SCHEDULE_TIMEOUT,
        TASK_INTERRUPTIBLE, //
    },
    time::Jiffies,
    types::Opaque, //
};

/// Creates a [`WaitQueue`] initialiser with the given name and a newly
/// created lock class, as `new_condvar!` does for a `CondVar`.
macro_rules! new_wait_queue {
    ($($name:literal)?) => {
        $crate::glue::wait::WaitQueue::new(
            ::kernel::optional_name!($($name)?),
            ::kernel::static_lock_class!(),
        )
    };
}
pub(crate) use new_wait_queue;

/// A `struct wait_queue_head`: tasks sleep on it until a condition holds,
/// and pollers register with it.
///
/// # Invariants
///
/// `head` is an initialised `struct wait_queue_head`; it does not move (the
/// type is pinned) and it has no waiter left when it is freed: [`Self::wait_interruptible`]
/// removes its entry before it returns, and `drop` removes the pollers'
/// entries ([`PollTable::register_wait`]).
#[pin_data(PinnedDrop)]
pub(crate) struct WaitQueue {
    #[pin]
    head: Opaque<bindings::wait_queue_head>,
    /// The head's list is self-referential.
    #[pin]
    _pin: PhantomPinned,
}

// SAFETY: A `struct wait_queue_head` may be used from any thread; every
// operation on it takes its spinlock.
unsafe impl Send for WaitQueue {}
// SAFETY: As for `Send`: the C functions used on `&self` are thread-safe.
unsafe impl Sync for WaitQueue {}

impl WaitQueue {
    /// Constructs a new wait queue initialiser: C's `init_waitqueue_head()`.
    pub(crate) fn new(name: &'static CStr, key: Pin<&'static LockClassKey>) -> impl PinInit<Self> {
        pin_init!(Self {
            // SAFETY: `slot` is valid while the closure is called and both
            // `name` and `key` have static lifetimes.
            head <- Opaque::ffi_init(|slot| unsafe {
                bindings::__init_waitqueue_head(slot, name.as_char_ptr(), key.as_ptr())
            }),
            _pin: PhantomPinned,
        })
    }

    /// The `struct wait_queue_head`: `self.head.get()`, which at -Os is a
    /// call (rustc reuses the kernel crate's instance of the generic
    /// `Opaque::get()`), where this is none: `Opaque<T>` is
    /// `repr(transparent)` over `T`.
    #[inline(always)]
    fn raw(&self) -> *mut bindings::wait_queue_head {
        core::ptr::from_ref(&self.head)
            .cast::<bindings::wait_queue_head>()
            .cast_mut()
    }

    /// Sleeps until `condition` returns `true`, or fails with `ERESTARTSYS`
    /// if a signal comes first: C's `wait_event_interruptible(wq,
    /// condition)`.
    ///
    /// `condition` is checked before sleeping, after each wake-up, and after
    /// a signal is noticed, so a condition that is true wins over a pending
    /// signal. It runs with the task state set to sleep: it must not sleep
    /// itself (reading atomics is what it is for). Its wakers change what it
    /// reads, then call [`Self::notify_all`].
    #[inline(always)]
    pub(crate) fn wait_interruptible(&self, mut condition: impl FnMut() -> bool) -> Result {
        might_sleep();
        if condition() {
            return Ok(());
        }
        self.wait_event(condition)
    }

    /// The sleeping part of [`Self::wait_interruptible`]: C's
    /// `___wait_event()` for `TASK_INTERRUPTIBLE`, non-exclusive, with
    /// `schedule()`.
    fn wait_event(&self, mut condition: impl FnMut() -> bool) -> Result {
        // The entry is self-referential (its list head) and the queue links
        // to it: it stays in this frame, unmoved, until it is off the queue.
        let entry = Opaque::<bindings::wait_queue_entry>::uninit();
        // SAFETY: `entry` is valid for writes; `init_wait_entry()` makes it an
        // entry of the current task, on no queue.
        unsafe { bindings::init_wait_entry(entry.get(), 0) };
        loop {
            // SAFETY: `self.head` is initialised (type invariant) and `entry`
            // was initialised above and has not moved. With no signal
            // pending, this queues `entry` (once) and sets the task state;
            // with one, it takes `entry` off the queue and returns
            // `-ERESTARTSYS`.
            let interrupted = unsafe {
                bindings::prepare_to_wait_event(self.head.get(), entry.get(), TASK_INTERRUPTIBLE)
            };
            if condition() {
                break;
            }
            if interrupted != 0 {
                // INVARIANT: `prepare_to_wait_event()` took `entry` off the
                // queue; C returns here too, without `finish_wait()`.
                return Err(ERESTARTSYS);
            }
            // SAFETY: `schedule()` has no safety requirements; that this
            // task may sleep here is the caller's part, as for C's
            // `wait_event_interruptible()` (process context, no spinlock
            // held), which `might_sleep()` above checks on a kernel with
            // `CONFIG_DEBUG_ATOMIC_SLEEP` (elsewhere it checks nothing). A
            // wake-up or a signal sets the task running again.
            unsafe { bindings::schedule() };
            if condition() {
                break;
            }
        }
        // SAFETY: `entry` is the entry given to `prepare_to_wait_event()`;
        // `finish_wait()` sets the task running and takes `entry` off the
        // queue if a wake-up has not already.
        // INVARIANT: `entry` is off the queue when this returns.
        unsafe { bindings::finish_wait(self.head.get(), entry.get()) };
        Ok(())
    }

    /// Sleeps until `condition` returns `true` or `timeout` jiffies have
    /// passed, or fails with `ERESTARTSYS` if a signal comes first: C's
    /// `wait_event_interruptible_timeout(wq, condition, timeout)`.
    ///
    /// Returns the jiffies left, at least 1, if `condition` returned `true`,
    /// or 0 if the time ran out with it `false`. `condition` is checked as by
    /// [`Self::wait_interruptible`], so a condition that is true wins over a
    /// pending signal and over the end of the time. A `timeout` beyond
    /// `MAX_SCHEDULE_TIMEOUT` waits with no limit, as for a `CondVar`.
    // Chapter 10's exercise of the lab (learn/ch10-read-timeout) uses it.
    #[allow(dead_code)]
    pub(crate) fn wait_interruptible_timeout(
        &self,
        mut condition: impl FnMut() -> bool,
        timeout: Jiffies,
    ) -> Result<Jiffies> {
        might_sleep();
        let mut left = timeout.try_into().unwrap_or(MAX_SCHEDULE_TIMEOUT);
        // C's `___wait_cond_timeout()`: the condition, or the time ran out.
        let mut done = |left: &mut c_long| {
            let cond = condition();
            if cond && *left == 0 {
                *left = 1;
            }
            cond || *left == 0
        };
        if done(&mut left) {
            return Ok(left as Jiffies);
        }
        // As in `wait_event()`, with `schedule_timeout()` for `schedule()`.
        let entry = Opaque::<bindings::wait_queue_entry>::uninit();
        // SAFETY: As in `wait_event()`.
        unsafe { bindings::init_wait_entry(entry.get(), 0) };
        loop {
            // SAFETY: As in `wait_event()`.
            let interrupted = unsafe {
                bindings::prepare_to_wait_event(self.head.get(), entry.get(), TASK_INTERRUPTIBLE)
            };
            if done(&mut left) {
                break;
            }
            if interrupted != 0 {
                // INVARIANT: As in `wait_event()`: `entry` is off the queue.
                return Err(ERESTARTSYS);
            }
            // SAFETY: As in `wait_event()`; `schedule_timeout()` also returns
            // when `left` jiffies have passed, with the jiffies still left.
            left = unsafe { bindings::schedule_timeout(left) };
            if done(&mut left) {
                break;
            }
        }
        // SAFETY: As in `wait_event()`.
        // INVARIANT: `entry` is off the queue when this returns.
        unsafe { bindings::finish_wait(self.head.get(), entry.get()) };
        Ok(left as Jiffies)
    }

    /// Returns whether a task waits or a poller is registered: C's
    /// `wq_has_sleeper()`.
    ///
    /// The full barrier orders the caller's change of the condition before
    /// the look at the queue; it pairs with the one in
    /// `prepare_to_wait_event()` (`set_current_state()`) between queueing
    /// and checking the condition, so either the waker sees the waiter or
    /// the waiter sees the change.
    #[inline(always)]
    fn has_sleeper(&self) -> bool {
        smp_mb(Full);
        let head = self.raw();
        // SAFETY: `head` is initialised (type invariant). This is C's
        // `list_empty(&wq_head->head)`, `READ_ONCE(head->next) == head`,
        // without the queue's lock as in C; `&raw` makes no reference.
        unsafe {
            let list = &raw mut (*head).head;
            (&raw const (*list).next).read_volatile() != list
        }
    }

    /// Wakes the waiters and pollers of the queue, if there are any: C's
    /// `if (wq_has_sleeper(wq)) wake_up_interruptible(wq)`.
    ///
    /// That wakes every waiter of [`Self::wait_interruptible`] and every
    /// poller but one `EPOLLEXCLUSIVE` one, which all sleep
    /// interruptibly.
    #[inline(always)]
    pub(crate) fn notify_all(&self) {
        if self.has_sleeper() {
            // SAFETY: `self.head` is initialised (type invariant). This is
            // `wake_up_interruptible()`: `__wake_up(wq, TASK_INTERRUPTIBLE,
            // 1, NULL)`.
            unsafe {
                bindings::__wake_up(self.raw(), TASK_INTERRUPTIBLE as u32, 1, ptr::null_mut())
            };
        }
    }
}

#[pinned_drop]
impl PinnedDrop for WaitQueue {
    fn drop(self: Pin<&mut Self>) {
        // As 7.3's `PollCondVar` does (rust/kernel/sync/poll.rs): wake the
        // epoll entries registered through `PollTable::register_wait()` with
        // `POLLFREE`, which takes them off the queue,
        //
        // SAFETY: `self.head` is initialised (type invariant).
        unsafe { bindings::__wake_up_pollfree(self.head.get()) };
        // then wait until no epoll code that found the queue before can
        // still be using it (it looks at it under `rcu_read_lock()`).
        synchronize_rcu();
        // INVARIANT: no waiter is left: a task in `wait_interruptible()`
        // borrows `self`, and the pollers are gone.
    }
}

/// The `poll_table` of a `poll` file operation, which [`WaitQueue`]s
/// register with: what 7.3's [`kernel::sync::poll::PollTable`] is to a
/// `PollCondVar`.
///
/// # Invariants
///
/// `table` is null or points to a valid `poll_table` for `'a`.
pub(crate) struct PollTable<'a> {
    table: *mut bindings::poll_table,
    _lifetime: PhantomData<&'a bindings::poll_table>,
}

impl<'a> PollTable<'a> {
    /// Creates a [`PollTable`] from the pointer a `poll` call was given.
    ///
    /// # Safety
    ///
    /// `table` must be null or point to a valid `poll_table` for `'a`.
    #[inline(always)]
    pub(crate) unsafe fn from_raw(table: *mut bindings::poll_table) -> Self {
        // INVARIANT: The safety requirements are the type invariant.
        Self {
            table,
            _lifetime: PhantomData,
        }
    }

    /// Registers `wq` for the poll of `file`, so that [`WaitQueue::notify_all`]
    /// wakes the poller: C's `poll_wait(file, wq, table)`.
    #[inline(always)]
    pub(crate) fn register_wait(&self, file: &File, wq: &WaitQueue) {
        // SAFETY:
        // - `file` is valid for the duration of this call, and `self.table`
        //   is null or valid for it (type invariant).
        // - `wq` is pinned and initialised. Epoll's entries stay until
        //   removed: `WaitQueue`'s destructor removes them (`POLLFREE`) and
        //   waits an RCU grace period, as `PollCondVar`'s does.
        //   `select()`/`poll()` take theirs off before they return, and
        //   until then hold a reference to `file`, whose file operations
        //   are what registers `wq`: as for `PollCondVar`, the queue is
        //   expected to outlive the files that poll it (a misc device's
        //   data does, glue/miscdev.rs).
        unsafe { bindings::poll_wait(super::file_ptr(file), wq.raw(), self.table) }
    }
}
