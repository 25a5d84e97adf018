package io.witness.appliance.testing;

import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.enterprise.inject.spi.InjectionTarget;
import jakarta.inject.Inject;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Method;
import java.util.stream.Stream;
import org.jboss.arquillian.test.spi.TestEnricher;

/**
 * Injects beans of the running appliance into {@code @Inject} fields and methods of the test instance, the way
 * {@code arquillian-testenricher-cdi} would (its jakarta variant is not on the mirror): non-contextual injection
 * through the container's {@link BeanManager}. The test class itself is not a bean. Dependent objects created
 * for the injection live as long as the test instance.
 */
final class CdiTestEnricher implements TestEnricher {

  @Override
  public void enrich(Object testCase) {
    if (!wantsInjection(testCase.getClass())) {
      return;
    }
    BeanManager beans;
    try {
      beans = CDI.current().getBeanManager();
    } catch (IllegalStateException e) {
      throw new IllegalStateException(testCase.getClass().getName() + " has @Inject members but no appliance "
          + "is running: is it an Arquillian test with a @Deployment?", e);
    }
    inject(beans, testCase);
  }

  @Override
  public Object[] resolve(Method method) {
    return new Object[method.getParameterCount()];
  }

  @SuppressWarnings("unchecked")
  private static <T> void inject(BeanManager beans, T instance) {
    Class<T> type = (Class<T>) instance.getClass();
    InjectionTarget<T> target = beans.getInjectionTargetFactory(beans.createAnnotatedType(type))
        .createInjectionTarget(null);
    CreationalContext<T> context = beans.createCreationalContext(null);
    target.inject(instance, context);
  }

  private static boolean wantsInjection(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      if (Stream.concat(Stream.of(c.getDeclaredFields()), Stream.of(c.getDeclaredMethods()))
          .map(AccessibleObject.class::cast)
          .anyMatch(m -> m.isAnnotationPresent(Inject.class))) {
        return true;
      }
    }
    return false;
  }
}
