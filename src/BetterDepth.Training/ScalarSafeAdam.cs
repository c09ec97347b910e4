using BetterDepth.Compute;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BetterDepth.Training;

/// <summary>
/// Adam's update done here instead of by <c>Adam.step()</c>, which hands libtorch temporary Scalars (the betas, eps,
/// the step size) that a collection started by another thread, such as a progress bar's, can free mid-call (see
/// <see cref="ScalarSafeOps"/>). Only the arithmetic moves: the hyper-parameters come from the TorchSharp optimiser's
/// param groups (where the trainers set each iteration's learning rate), and its per-parameter state (step count,
/// exp_avg, exp_avg_sq) is updated in place, so <c>save_state_dict</c> / <c>load_state_dict</c> checkpoints keep their
/// format and resume as before. The operations, their order and their Scalar values are TorchSharp 0.107's, so the
/// parameters and moments come out the same to the bit.
/// </summary>
public static class ScalarSafeAdam
{
    /// <summary>One Adam step over every parameter that has a gradient, as <c>optimizer.step()</c> without a closure.</summary>
    /// <exception cref="NotSupportedException">A param group asks for amsgrad, maximize or weight decay (nothing here uses them).</exception>
    public static void SafeStep(this Adam optimizer)
    {
        var groups = optimizer.ParamGroups.Cast<ParamGroup>().Select(g => (g.Parameters, Options: (Adam.Options)g.Options)).ToList();
        foreach (var group in groups) EnsureSupported(group.Options);
        // The optimiser's own state objects, group by group and parameter by parameter, as it saves them.
        var states = optimizer.state_dict().State;
        int next = 0;
        using var noGrad = no_grad();
        foreach (var (parameters, options) in groups)
            foreach (var parameter in parameters)
                Update(parameter, (Adam.State)states[next++], options);
    }

    static void Update(Parameter parameter, Adam.State state, Adam.Options options)
    {
        using var scope = NewDisposeScope();
        var grad = parameter.grad;
        if (grad is null) return;
        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value;
        state.step++;
        double correction1 = 1 - Math.Pow(beta1, state.step), correction2 = 1 - Math.Pow(beta2, state.step);
        state.exp_avg.TimesInPlace(beta1).PlusScaledInPlace(grad, 1 - beta1);
        state.exp_avg_sq.TimesInPlace(beta2).PlusScaledProductInPlace(grad, grad.conj(), 1 - beta2);
        var denominator = state.exp_avg_sq.sqrt().Over(Math.Sqrt(correction2)).PlusInPlace(options.eps!.Value);
        parameter.PlusScaledQuotientInPlace(state.exp_avg, denominator, -options.LearningRate!.Value / correction1);
    }

    static void EnsureSupported(Adam.Options options)
    {
        var unsupported = new List<string>();
        if (options.amsgrad == true) unsupported.Add("amsgrad");
        if (options.maximize == true) unsupported.Add("maximize");
        if (options.weight_decay is double decay && decay != 0) unsupported.Add($"weight_decay = {decay}");
        if (unsupported.Count > 0)
            throw new NotSupportedException($"the Scalar-safe Adam step does plain Adam only; this optimiser asks for {string.Join(", ", unsupported)}");
    }
}
