package dev.tern.server.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Wraps store interfaces ({@code ZoneStore}, {@code ZoneStateStore}, {@code ZoneJournal}, whatever their methods are)
 * in proxies that count every call made while armed and make call number N fail, as SQLite does under a lock
 * ({@code SQLITE_BUSY}) or as a bug does. A test runs a step once to count its calls, then once per call with that
 * call failing. Works at the interface level, so it follows the stores when their methods change. Thread-safe.
 */
public final class FaultInjector {
    private final Function<String, RuntimeException> fault;
    private final List<String> calls = new ArrayList<>();
    private boolean armed;
    private int failAt;
    private String failed;

    /** @param fault makes the exception thrown, from the name of the call that fails ({@code ZoneStore.load}) */
    public FaultInjector(Function<String, RuntimeException> fault) {
        this.fault = fault;
    }

    /** A proxy of {@code target} through which calls are counted and may fail. */
    public <T> T wrap(Class<T> type, T target) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(target, args);
            }
            String call = type.getSimpleName() + "." + method.getName();
            synchronized (this) {
                if (armed) {
                    calls.add(call);
                    if (calls.size() == failAt) {
                        failed = call;
                        throw fault.apply(call);
                    }
                }
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /** Counts the calls from now on, and makes the {@code failAt}-th fail (1 is the first; 0 for none). */
    public synchronized void arm(int failAt) {
        this.calls.clear();
        this.failAt = failAt;
        this.failed = null;
        this.armed = true;
    }

    /** Stops counting and failing. */
    public synchronized void disarm() {
        armed = false;
    }

    /** The calls counted since {@link #arm}, in order. */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** The call that was made to fail, or null when none was (fewer calls than {@code failAt}). */
    public synchronized String failed() {
        return failed;
    }
}
