package org.zfleet.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * An interface's calls forwarded to a real implementation, with a look at each call first: what a
 * test records or holds back of a port's or an endpoint's calls without a hand-written fake.
 */
public final class Forwarding {

  private Forwarding() {}

  /** What a test does before each call, by method name and arguments. */
  public interface Before {
    void call(String method, Object[] args) throws Exception;
  }

  /**
   * {@code target} as a {@code type}, {@code before} each call; without a target every call fails
   * after {@code before}, as for a collaborator the test says is not used.
   */
  public static <T> T forwarding(Class<T> type, T target, Before before) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              if (method.getDeclaringClass() == Object.class) {
                return method.getName().equals("hashCode")
                    ? System.identityHashCode(proxy)
                    : method.getName().equals("equals") ? proxy == args[0] : type.getSimpleName();
              }
              before.call(method.getName(), args == null ? new Object[0] : args);
              if (target == null) {
                throw new UnsupportedOperationException(method.getName() + " is not expected");
              }
              try {
                return method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            }));
  }
}
