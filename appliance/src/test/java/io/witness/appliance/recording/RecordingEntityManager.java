package io.witness.appliance.recording;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records the JPQL and parameters a query builder gives an {@link EntityManager} (whose queries return no rows),
 * so a unit test can check what reaches the database without one.
 */
final class RecordingEntityManager implements InvocationHandler {
  String jpql;
  final Map<String, Object> parameters = new LinkedHashMap<>();
  int maxResults = -1;

  EntityManager entityManager() {
    return (EntityManager) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {EntityManager.class},
        this);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) {
    if (method.getName().equals("createQuery") && args.length == 2 && args[0] instanceof String q) {
      jpql = q;
      return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {TypedQuery.class}, this::query);
    }
    throw new UnsupportedOperationException("EntityManager." + method.getName());
  }

  private Object query(Object proxy, Method method, Object[] args) {
    switch (method.getName()) {
      case "setParameter" -> {
        if (!(args[0] instanceof String name)) {
          throw new UnsupportedOperationException("positional parameters");
        }
        parameters.put(name, args[1]);
        return proxy;
      }
      case "setMaxResults" -> {
        maxResults = (Integer) args[0];
        return proxy;
      }
      case "getResultList" -> {
        return List.of();
      }
      default -> throw new UnsupportedOperationException("TypedQuery." + method.getName());
    }
  }
}
