package org.sealpost.store.redis;

import java.lang.reflect.Method;
import java.util.Map;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips named cases of an inherited contract, each with its reason in the report. The contracts'
 * test methods are package-private in another package, so a subclass here cannot override them;
 * this condition is the way to leave one out, visibly.
 */
final class ContractCases implements ExecutionCondition {
  private final Map<String, String> skipped;

  private ContractCases(Map<String, String> skipped) {
    this.skipped = skipped;
  }

  /** Method name → why this backend cannot run it. */
  static ContractCases skip(Map<String, String> reasons) {
    return new ContractCases(Map.copyOf(reasons));
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String reason = context.getTestMethod().map(Method::getName).map(skipped::get).orElse(null);
    return reason == null
        ? ConditionEvaluationResult.enabled("a contract case this backend runs")
        : ConditionEvaluationResult.disabled(reason);
  }
}
