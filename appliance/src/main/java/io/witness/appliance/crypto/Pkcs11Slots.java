package io.witness.appliance.crypto;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the slot of the token with a given label. SunPKCS11's configuration selects a token only by slot id or by
 * index in the slot list, and slot ids are not stable (SoftHSM2 derives them from the token's serial, a hardware
 * module may renumber after a firmware update), while an operator knows the label they gave the token. The JDK
 * reads {@code CK_TOKEN_INFO} only through its internal wrapper {@code sun.security.pkcs11.wrapper}, which it does
 * not export, so this class calls it reflectively: the JVM needs
 * {@code --add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED} (the appliance jar's manifest
 * says {@code Add-Exports}, so {@code java -jar} has it; surefire's argLine sets it). Without it, a label is
 * refused with a message naming the option, and {@code witness.pkcs11.slot} still works.
 *
 * <p>The wrapper initialises a library once per JVM and per path string and caches it; the SunPKCS11 provider
 * configured afterwards reuses that instance. So the initialisation arguments must be the provider's own
 * ({@code CKF_OS_LOCKING_OK}: the library must lock, the provider calls it from many threads), and the path string
 * must be the one the provider gets. A consequence of PKCS#11 itself: a token created by another process after
 * the library was initialised in this JVM is not seen until the JVM restarts.
 */
final class Pkcs11Slots {
  static final String WRAPPER = "sun.security.pkcs11.wrapper";
  static final String ADD_EXPORTS = "--add-exports jdk.crypto.cryptoki/" + WRAPPER + "=ALL-UNNAMED";
  private static final long CKF_OS_LOCKING_OK = 0x2L;
  private static final long CKF_TOKEN_INITIALIZED = 0x400L;

  private Pkcs11Slots() {}

  /** The slot id of the initialised token labelled {@code label} in {@code library}. */
  static long slotOf(String library, String label) {
    Class<?> pkcs11;
    try {
      pkcs11 = Class.forName(WRAPPER + ".PKCS11");
    } catch (ClassNotFoundException e) {
      throw new CustodyException("this JVM has no SunPKCS11 (module jdk.crypto.cryptoki): run the appliance on a"
          + " full JDK or a runtime that includes that module", e);
    }
    if (!pkcs11.getModule().isExported(WRAPPER, Pkcs11Slots.class.getModule())) {
      throw new CustodyException("finding a PKCS#11 token by its label needs the JVM option " + ADD_EXPORTS
          + " (java -jar witness-appliance.jar has it from the jar's manifest); or set witness.pkcs11.slot to the"
          + " token's slot id instead of witness.pkcs11.token-label");
    }
    try {
      Class<?> initArgsType = Class.forName(WRAPPER + ".CK_C_INITIALIZE_ARGS");
      Object initArgs = initArgsType.getConstructor().newInstance();
      initArgsType.getField("flags").setLong(initArgs, CKF_OS_LOCKING_OK);
      Object p11 = pkcs11.getMethod("getInstance", String.class, String.class, initArgsType, boolean.class)
          .invoke(null, library, "C_GetFunctionList", initArgs, false);
      Method tokenInfo = pkcs11.getMethod("C_GetTokenInfo", long.class);
      List<String> seen = new ArrayList<>();
      for (long slot : (long[]) pkcs11.getMethod("C_GetSlotList", boolean.class).invoke(p11, true)) {
        Object info = tokenInfo.invoke(p11, slot);
        if ((info.getClass().getField("flags").getLong(info) & CKF_TOKEN_INITIALIZED) == 0) {
          continue;
        }
        // CK_TOKEN_INFO.label is 32 characters padded with blanks.
        String found = new String((char[]) info.getClass().getField("label").get(info)).stripTrailing();
        if (found.equals(label)) {
          return slot;
        }
        seen.add("'" + found + "'");
      }
      throw new CustodyException("no initialised PKCS#11 token labelled '" + label + "' in " + library
          + (seen.isEmpty() ? " (it has none)" : " (it has " + String.join(", ", seen) + ")")
          + ": check witness.pkcs11.token-label, or initialise the token");
    } catch (InvocationTargetException e) {
      throw new CustodyException("the PKCS#11 library " + library + " cannot list its tokens: "
          + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new CustodyException("this JDK's SunPKCS11 internals differ from what Witness expects (" + e
          + "): set witness.pkcs11.slot to the token's slot id instead of witness.pkcs11.token-label", e);
    }
  }
}
