// Validates FHIR R4 JSON resources with the HL7 instance validator (org.hl7.fhir.validation via HAPI FHIR's
// FhirInstanceValidator) against the R4 core definitions, offline. Arguments: files; a file ending in .ndjson holds
// one resource per line, any other file one resource. Prints every issue of severity error or fatal as
// "<file>[:<line>] <severity> <location> <message>" and exits 1 if there was one (warnings are printed with -v).
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

public class Validate {
    public static void main(String[] args) throws Exception {
        FhirContext context = FhirContext.forR4();
        ValidationSupportChain support = new ValidationSupportChain(new DefaultProfileValidationSupport(context),
                new SnapshotGeneratingValidationSupport(context), new InMemoryTerminologyServerValidationSupport(context),
                new CommonCodeSystemsTerminologyService(context));
        FhirValidator validator = context.newValidator().registerValidatorModule(new FhirInstanceValidator(support));
        boolean verbose = false;
        int errors = 0;
        int resources = 0;
        for (String arg : args) {
            if (arg.equals("-v")) { verbose = true; continue; }
            List<String> texts = new ArrayList<>();
            String content = Files.readString(Path.of(arg));
            if (arg.endsWith(".ndjson")) { texts.addAll(content.lines().filter(l -> !l.isBlank()).toList()); }
            else { texts.add(content); }
            for (int i = 0; i < texts.size(); i++) {
                resources++;
                for (SingleValidationMessage m : validator.validateWithResult(texts.get(i)).getMessages()) {
                    boolean error = m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal();
                    if (error || verbose) {
                        System.out.println(arg + (texts.size() > 1 ? ":" + (i + 1) : "") + " " + m.getSeverity() + " "
                                + m.getLocationString() + " " + m.getMessage());
                    }
                    if (error) { errors++; }
                }
            }
        }
        System.out.println(resources + " resource(s), " + errors + " error(s)");
        System.exit(errors == 0 ? 0 : 1);
    }
}
