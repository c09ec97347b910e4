using System.Reflection;
using System.Reflection.Emit;
using BetterDepth.Compute;
using BetterDepth.Training;
using TorchSharp;

namespace BetterDepth.Tests.Compute;

/// <summary>
/// No library method may hand libtorch a TorchSharp Scalar that nothing keeps alive (see <see cref="ScalarSafeOps"/>):
/// neither by converting a number to a Scalar without disposing it, nor by calling a TorchSharp method that does so
/// itself, directly or through the methods it calls (Tensor.add(Tensor) makes up its alpha = 1), including the overrides
/// a virtual call may reach (optimizer.step() runs Adam.step). Read from the IL of both assemblies, so a new `x * 0.5`
/// or `a + b` on tensors, or a return to TorchSharp's Adam.step, fails here with the method that contains it.
/// </summary>
public class ScalarSafetyTests
{
    const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
    static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(op => op.Value);
    static readonly Assembly TorchSharpAssembly = typeof(Scalar).Assembly;

    [Fact]
    public void NoLibraryMethodLetsATemporaryScalarGo()
    {
        var offenders = Offenders(typeof(ScalarSafeOps).Assembly, exempt: _ => false);
        Assert.True(offenders.Count == 0, "use ScalarSafeOps (ScalarSafeAdam.SafeStep for optimizer.step()) instead in:\n" + string.Join("\n", offenders));
    }

    /// <summary>
    /// The tests hold to the same rule: xunit runs test classes in parallel, so one test's collection can free another
    /// test's temporary Scalar mid-call, a failure that would show up far from its cause. Exempt: the scan's own
    /// examples, and the Adam tests that call TorchSharp's step on purpose (they run in a collection of their own).
    /// </summary>
    [Fact]
    public void NoTestMethodLetsATemporaryScalarGo()
    {
        static bool Exempt(Type type) => type.FullName!.StartsWith(typeof(Examples).FullName!, StringComparison.Ordinal)
            || type.FullName!.StartsWith(typeof(Training.ScalarSafeAdamTests).FullName! + "+", StringComparison.Ordinal)
            || type == typeof(Training.ScalarSafeAdamTests);
        var offenders = Offenders(typeof(ScalarSafetyTests).Assembly, Exempt);
        Assert.True(offenders.Count == 0, "use ScalarSafeOps instead in:\n" + string.Join("\n", offenders));
    }

    static List<string> Offenders(Assembly assembly, Func<Type, bool> exempt)
    {
        var unsafeTorchSharp = new Dictionary<MethodBase, bool>();
        var methods = assembly.GetTypes().Where(t => !exempt(t))
            .SelectMany(type => type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared))).ToList();
        var obtained = ObtainedTypes(methods);
        var offenders = new List<string>();
        foreach (var method in methods)
        {
            var reasons = Reasons(method, unsafeTorchSharp, obtained);
            if (reasons.Count > 0) offenders.Add($"{method.DeclaringType!.FullName}.{method.Name}: {string.Join("; ", reasons)}");
        }
        return offenders;
    }

    /// <summary>The scan finds what it must: the unsafe forms in this test assembly's own examples, and none in safe code.</summary>
    [Fact]
    public void TheScanRecognisesTheUnsafeForms()
    {
        var seen = new Dictionary<MethodBase, bool>();
        var obtained = ObtainedTypes(typeof(Examples).GetMethods(Declared));
        bool Flagged(string name) => Reasons(typeof(Examples).GetMethod(name, Declared)!, seen, obtained).Count > 0;
        Assert.True(Flagged(nameof(Examples.TensorPlusTensor)));
        Assert.True(Flagged(nameof(Examples.TensorTimesNumber)));
        Assert.True(Flagged(nameof(Examples.ImplicitScalarArgument)));
        Assert.True(Flagged(nameof(Examples.TorchSharpAdamStep)));
        Assert.False(Flagged(nameof(Examples.Safe)));
        Assert.False(Flagged(nameof(Examples.SafeAdamStep)));
    }

    /// <summary>Why <paramref name="method"/> lets a temporary Scalar go; empty when it does not.</summary>
    static List<string> Reasons(MethodBase method, Dictionary<MethodBase, bool> unsafeTorchSharp, HashSet<Type> obtained)
    {
        var calls = Callees(method).ToList();
        var reasons = calls.Where(IsTorchSharp).SelectMany(c => Overrides(c, obtained).Prepend(c))
            .Where(c => LetsAScalarGo(c, unsafeTorchSharp)).Select(Describe).Distinct().ToList();
        // a static constructor's Scalars go to static fields, which keep them alive
        if (calls.Any(CreatesScalar) && !calls.Any(DisposesScalar) && method is not ConstructorInfo { IsStatic: true })
            reasons.Insert(0, "a number converted to a Scalar and never disposed");
        return reasons;
    }

    static class Examples
    {
        public static torch.Tensor TensorPlusTensor(torch.Tensor a, torch.Tensor b) => a + b;
        public static torch.Tensor TensorTimesNumber(torch.Tensor a) => a * 0.5;
        public static torch.Tensor ImplicitScalarArgument(torch.Tensor a) => a.mul_(2.0);
        public static torch.Tensor Safe(torch.Tensor a, torch.Tensor b) => a.Plus(b).Times(0.5) - b;

        public static void TorchSharpAdamStep(IEnumerable<TorchSharp.Modules.Parameter> parameters)
        {
            using var adam = torch.optim.Adam(parameters);
            adam.step();
        }

        public static void SafeAdamStep(IEnumerable<TorchSharp.Modules.Parameter> parameters)
        {
            using var adam = torch.optim.Adam(parameters);
            adam.SafeStep();
        }
    }

    static bool IsTorchSharp(MethodBase m) => m.DeclaringType?.Assembly == TorchSharpAssembly;

    /// <summary>
    /// The TorchSharp types <paramref name="methods"/> get hold of: those they construct and those TorchSharp's methods
    /// hand them (optim.Adam gives an Adam). Only these types' overrides count for a virtual call, not those of every
    /// module TorchSharp has.
    /// </summary>
    static HashSet<Type> ObtainedTypes(IEnumerable<MethodBase> methods) =>
        methods.SelectMany(Callees).Where(IsTorchSharp)
            .Select(c => c is MethodInfo m ? m.ReturnType : c.DeclaringType!)
            .Where(t => t.Assembly == TorchSharpAssembly).ToHashSet();

    /// <summary>What a virtual call (optimizer.step(), module.forward(x)) may run besides the method its IL names.</summary>
    static IEnumerable<MethodBase> Overrides(MethodBase callee, HashSet<Type> obtained)
    {
        if (callee is not MethodInfo { IsVirtual: true, IsFinal: false } method) return [];
        var definition = method.GetBaseDefinition();
        return obtained.Where(t => t != method.DeclaringType && method.DeclaringType!.IsAssignableFrom(t))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
            .Where(o => o.Name == method.Name && o.GetBaseDefinition() == definition);
    }

    static bool CreatesScalar(MethodBase m) =>
        m.DeclaringType == typeof(Scalar) && m.Name == "op_Implicit" || m.Name == "ToScalar" && m.DeclaringType?.Name == "ScalarExtensionMethods";

    /// <summary>Scalar.Dispose, or IDisposable.Dispose, which is what `using var s = x.ToScalar()` compiles to.</summary>
    static bool DisposesScalar(MethodBase m) => m.Name == "Dispose" && (m.DeclaringType == typeof(Scalar) || m.DeclaringType == typeof(IDisposable));

    /// <summary>A TorchSharp method that makes a Scalar it does not dispose, or calls one that does (memoised; cycles count as safe).</summary>
    static bool LetsAScalarGo(MethodBase method, Dictionary<MethodBase, bool> known)
    {
        if (!IsTorchSharp(method) || method.DeclaringType == typeof(Scalar) || method.DeclaringType?.Name == "ScalarExtensionMethods") return false;
        if (known.TryGetValue(method, out var result)) return result;
        known[method] = false;
        var calls = Callees(method).ToList();
        result = calls.Any(CreatesScalar) && !calls.Any(DisposesScalar) || calls.Any(c => LetsAScalarGo(c, known));
        known[method] = result;
        return result;
    }

    static string Describe(MethodBase m) => $"{m.DeclaringType!.Name}.{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name))})";

    /// <summary>Every method a method's IL calls (call, callvirt, newobj, ldftn), resolved through its module.</summary>
    static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is InvalidOperationException or BadImageFormatException) { yield break; }
        if (il is null) yield break;
        var typeArguments = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i];
            int size = 1;
            if (value == 0xFE) { value = (short)(0xFE00 | il[i + 1]); size = 2; }
            var op = OpCodesByValue[value];
            if (op.OperandType == OperandType.InlineMethod)
            {
                MethodBase? callee = null;
                try { callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i + size), typeArguments, methodArguments); }
                catch (ArgumentException) { }
                if (callee is not null) yield return callee;
            }
            i += size + op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i + size),
                _ => 4,
            };
        }
    }
}
