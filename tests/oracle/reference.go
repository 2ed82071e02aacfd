// tests/oracle/reference.go -- the reference's evidence rules, rewritten in
// Go for the interchange tests (tests/e2e/test_interchange.sh), apart from
// the C code they check.
//
//	ORACLE -identify RECIPE
//	    one JSON object: the recipe's name (RecipeNameFor), profile
//	    selection, advertiser and policy descriptor identity, and its v1/v2
//	    and v3 digests, decoding the recipe into Go structs with yaml.v3 as
//	    the reference does (pkg/evidence/attestation, pkg/allocpolicy,
//	    pkg/recipe ClosureDescriptorEntries).
//
//	ORACLE -refbundle -type URI -recipe R -snapshot S -ctrf DIR -out OUT
//	    writes OUT/pointer.yaml and OUT/summary-bundle/ shaped as the
//	    reference's emitter shapes them: the recipe file as its recipe
//	    command writes it (keys sorted, 2-space indent), recipe.yaml in the
//	    canonical form with metadata.version, the predicate of the given
//	    type with the reference's struct order and JSON forms (a nil
//	    validatorImages is null), the statement as protojson writes it
//	    (compact, the predicate's keys sorted: it is a protobuf Struct),
//	    manifest.json as json.MarshalIndent writes it, the pointer as
//	    MarshalYAMLDeterministic writes it.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

type refProfile struct {
	Name       string              `yaml:"name"`
	Value      string              `yaml:"value"`
	Advertiser string              `yaml:"advertiser"`
	OwnedPaths map[string][]string `yaml:"ownedPaths"`
}

type refRecipe struct {
	Metadata struct {
		SelectedProfile *refProfile `yaml:"selectedProfile"`
	} `yaml:"metadata"`
	Criteria *struct {
		Service     string `yaml:"service"`
		Accelerator string `yaml:"accelerator"`
		OS          string `yaml:"os"`
		Intent      string `yaml:"intent"`
		Platform    string `yaml:"platform"`
	} `yaml:"criteria"`
	ComponentRefs []struct {
		Name      string         `yaml:"name"`
		Overrides map[string]any `yaml:"overrides"`
	} `yaml:"componentRefs"`
}

// The allocation-policy descriptor, in component order.
var refDescriptor = []struct {
	component string
	paths     []string
}{
	{"gpu-operator", []string{"devicePlugin.enabled"}},
	{"gpu-operator-ocp", []string{"devicePlugin.enabled"}},
	{"nvidia-dra-driver-gpu", []string{"gpuResourcesEnabledOverride", "resources.gpus.enabled"}},
	{"nvidia-dra-driver-gpu-ocp", []string{"gpuResourcesEnabledOverride", "resources.gpus.enabled"}},
}

func refIntersect(a, b string) bool {
	x, y := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(x) && i < len(y); i++ {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

func (r *refRecipe) enabled(name string) bool {
	for _, c := range r.ComponentRefs {
		if c.Name != name {
			continue
		}
		for _, k := range []string{"enabled", "install"} {
			if b, ok := c.Overrides[k].(bool); ok && !b {
				return false
			}
		}
		return true
	}
	return false
}

func (r *refRecipe) identity() string {
	sp := r.Metadata.SelectedProfile
	trigger := sp.Advertiser == "external"
	for comp, paths := range sp.OwnedPaths {
		for _, p := range paths {
			if p == "enabled" {
				continue
			}
			for _, d := range refDescriptor {
				if d.component != comp {
					continue
				}
				for _, sel := range d.paths {
					trigger = trigger || refIntersect(p, sel)
				}
			}
		}
	}
	lines := map[string][]string{}
	if trigger {
		for _, d := range refDescriptor {
			if r.enabled(d.component) {
				lines[d.component] = append(lines[d.component], d.paths...)
			}
		}
	}
	comps := make([]string, 0, len(lines))
	for c := range lines {
		comps = append(comps, c)
	}
	sort.Strings(comps)
	var b strings.Builder
	for _, c := range comps {
		ps := lines[c]
		sort.Strings(ps)
		for i, p := range ps {
			if i > 0 && ps[i-1] == p {
				continue
			}
			b.WriteString(c + ":" + p + "\n")
		}
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

func (r *refRecipe) name() string {
	if r.Criteria == nil {
		return ""
	}
	c := r.Criteria
	var parts []string
	for _, v := range []string{c.Accelerator, c.Service, c.OS, c.Intent, c.Platform} {
		if v != "" && v != "any" {
			parts = append(parts, v)
		}
	}
	n := "recipe"
	if len(parts) > 0 {
		n = strings.Join(parts, "-")
	}
	if sp := r.Metadata.SelectedProfile; sp != nil {
		n += "-" + strings.ToLower(sp.Name) + "-" + strings.ToLower(sp.Value)
	}
	return n
}

type refIdentity struct {
	Name       string `json:"name"`
	Profiled   bool   `json:"profiled"`
	Selection  string `json:"selection"`
	Advertiser string `json:"advertiser"`
	Identity   string `json:"identity"`
	DigestV1   string `json:"digestV1"`
	DigestV3   string `json:"digestV3"`
}

func refIdentify(in []byte) (*refIdentity, error) {
	var r refRecipe
	if err := yaml.Unmarshal(in, &r); err != nil {
		return nil, err
	}
	out := &refIdentity{Name: r.name()}
	if sp := r.Metadata.SelectedProfile; sp != nil {
		out.Profiled = true
		out.Selection = sp.Name + "=" + sp.Value
		out.Advertiser = sp.Advertiser
		out.Identity = r.identity()
	}
	for _, f := range []struct {
		v3  bool
		dst *string
	}{{false, &out.DigestV1}, {true, &out.DigestV3}} {
		c, err := canonical(in, f.v3)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(c)
		*f.dst = hex.EncodeToString(sum[:])
	}
	return out, nil
}

// sortNode sorts every mapping's pairs by key, stably (the reference's
// serializer.sortYAMLNode).
func sortNode(n *yaml.Node) {
	for _, c := range n.Content {
		sortNode(c)
	}
	if n.Kind != yaml.MappingNode {
		return
	}
	type pair struct{ k, v *yaml.Node }
	var ps []pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		ps = append(ps, pair{n.Content[i], n.Content[i+1]})
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].k.Value < ps[j].k.Value })
	n.Content = n.Content[:0]
	for _, p := range ps {
		n.Content = append(n.Content, p.k, p.v)
	}
}

// deterministicYAML is MarshalYAMLDeterministic: keys sorted, 2-space
// indent (comments of the input kept, as a node round trip keeps them).
func deterministicYAML(v any) ([]byte, error) {
	raw, err := yaml.Marshal(v)
	if err != nil {
		return nil, err
	}
	var n yaml.Node
	if err := yaml.Unmarshal(raw, &n); err != nil {
		return nil, err
	}
	sortNode(&n)
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, err
	}
	enc.Close()
	return out.Bytes(), nil
}

type refManifestFile struct {
	Path      string `json:"path"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	MediaType string `json:"mediaType,omitempty"`
}

type refPhase struct {
	Passed     int    `json:"passed"`
	Failed     int    `json:"failed"`
	Skipped    int    `json:"skipped"`
	CTRFDigest string `json:"ctrfDigest"`
}

type refValue struct {
	Value  string `json:"value"`
	Source string `json:"source,omitempty"`
}

type refPredicate struct {
	SchemaVersion           string    `json:"schemaVersion"`
	AttestedAt              time.Time `json:"attestedAt"`
	AICRVersion             string    `json:"aicrVersion"`
	ValidatorCatalogVersion string    `json:"validatorCatalogVersion"`
	ValidatorImages         []struct {
		Image  string `json:"image"`
		Digest string `json:"digest"`
	} `json:"validatorImages"`
	Recipe struct {
		Name   string `json:"name"`
		Digest string `json:"digest"`
	} `json:"recipe"`
	Fingerprint struct {
		Service     refValue `json:"service"`
		Accelerator refValue `json:"accelerator"`
	} `json:"fingerprint"`
	CriteriaMatch struct {
		Matched      bool `json:"matched"`
		PerDimension []struct {
			Dimension string `json:"dimension"`
			Match     string `json:"match"`
		} `json:"perDimension"`
	} `json:"criteriaMatch"`
	Phases map[string]refPhase `json:"phases"`
	BOM    struct {
		Format     string `json:"format"`
		Version    string `json:"version"`
		Digest     string `json:"digest"`
		ImageCount int    `json:"imageCount"`
	} `json:"bom"`
	Manifest struct {
		Digest    string `json:"digest"`
		FileCount int    `json:"fileCount"`
	} `json:"manifest"`
	Profile *struct {
		Selection                string `json:"selection"`
		Advertiser               string `json:"advertiser,omitempty"`
		PolicyDescriptorIdentity string `json:"policyDescriptorIdentity"`
	} `json:"profile,omitempty"`
}

func shaPrefixed(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

func mediaType(p string) string {
	switch {
	case strings.HasSuffix(p, ".cdx.json"):
		return "application/vnd.cyclonedx+json"
	case strings.HasSuffix(p, ".json"):
		return "application/json"
	case strings.HasSuffix(p, ".yaml"):
		return "application/yaml"
	}
	return ""
}

// ctrfCounts reads a CTRF report's summary counts.
func ctrfCounts(b []byte) (refPhase, error) {
	var doc struct {
		Results struct {
			Summary struct{ Passed, Failed, Skipped int } `json:"summary"`
		} `json:"results"`
	}
	err := json.Unmarshal(b, &doc)
	s := doc.Results.Summary
	return refPhase{Passed: s.Passed, Failed: s.Failed, Skipped: s.Skipped}, err
}

func refBundle(ptype, recipePath, snapPath, ctrfDir, out string) error {
	sb := filepath.Join(out, "summary-bundle")
	if err := os.MkdirAll(filepath.Join(sb, "ctrf"), 0o755); err != nil {
		return err
	}
	src, err := os.ReadFile(recipePath)
	if err != nil {
		return err
	}
	// The recipe as the recipe command writes it, then as the builder
	// ships it.
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return err
	}
	written, err := deterministicYAML(&doc)
	if err != nil {
		return err
	}
	canon, err := canonical(written, false)
	if err != nil {
		return err
	}
	id, err := refIdentify(canon)
	if err != nil {
		return err
	}
	files := map[string][]byte{"recipe.yaml": canon}
	if files["snapshot.yaml"], err = os.ReadFile(snapPath); err != nil {
		return err
	}
	files["bom.cdx.json"] = []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"application","name":"gpu-operator","version":"v25.3.0"}]}` + "\n")
	pred := refPredicate{SchemaVersion: "1.0.0", AICRVersion: "v0.14.2"}
	pred.AttestedAt = time.Unix(1763650000, 0).UTC()
	pred.Phases = map[string]refPhase{}
	for _, ph := range []string{"deployment", "performance", "conformance"} {
		raw, err := os.ReadFile(filepath.Join(ctrfDir, ph+".json"))
		if os.IsNotExist(err) {
			continue
		} else if err != nil {
			return err
		}
		var ind bytes.Buffer
		if err := json.Indent(&ind, raw, "", "  "); err != nil {
			return err
		}
		ind.WriteByte('\n')
		p, err := ctrfCounts(raw)
		if err != nil {
			return err
		}
		p.CTRFDigest = shaPrefixed(ind.Bytes())
		pred.Phases[ph] = p
		files["ctrf/"+ph+".json"] = ind.Bytes()
	}
	var mf struct {
		SchemaVersion string            `json:"schemaVersion"`
		Files         []refManifestFile `json:"files"`
	}
	mf.SchemaVersion = "1.0.0"
	for p, b := range files {
		if err := os.WriteFile(filepath.Join(sb, p), b, 0o600); err != nil {
			return err
		}
		mf.Files = append(mf.Files, refManifestFile{p, int64(len(b)), shaPrefixed(b), mediaType(p)})
	}
	sort.Slice(mf.Files, func(i, j int) bool { return mf.Files[i].Path < mf.Files[j].Path })
	mb, _ := json.MarshalIndent(mf, "", "  ")
	mb = append(mb, '\n')
	if err := os.WriteFile(filepath.Join(sb, "manifest.json"), mb, 0o600); err != nil {
		return err
	}
	pred.Recipe.Name = id.Name
	pred.Recipe.Digest = id.DigestV1
	if strings.HasSuffix(ptype, "/v3") {
		pred.Recipe.Digest = id.DigestV3
	}
	pred.Fingerprint.Service = refValue{"eks", "K8s.node.provider"}
	pred.Fingerprint.Accelerator = refValue{"h100", "GPU.hardware.model"}
	pred.CriteriaMatch.Matched = true
	pred.BOM.Format, pred.BOM.Version = "CycloneDX", "1.6"
	pred.BOM.Digest, pred.BOM.ImageCount = shaPrefixed(files["bom.cdx.json"]), 1
	pred.Manifest.Digest, pred.Manifest.FileCount = shaPrefixed(mb), len(mf.Files)
	if id.Profiled && !strings.HasSuffix(ptype, "/v1") {
		pred.Profile = &struct {
			Selection                string `json:"selection"`
			Advertiser               string `json:"advertiser,omitempty"`
			PolicyDescriptorIdentity string `json:"policyDescriptorIdentity"`
		}{id.Selection, id.Advertiser, id.Identity}
	}
	// protojson of the statement: its fields in proto order, the
	// predicate a Struct (keys sorted, as a map is marshalled).
	pj, _ := json.Marshal(pred)
	var asStruct map[string]any
	if err := json.Unmarshal(pj, &asStruct); err != nil {
		return err
	}
	pb, _ := json.Marshal(asStruct)
	stmt := fmt.Sprintf(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":%q,"digest":{"sha256":%q}}],"predicateType":%q,"predicate":%s}`,
		"recipe:"+id.Name, pred.Recipe.Digest, ptype, pb)
	if err := os.WriteFile(filepath.Join(sb, "statement.intoto.json"), []byte(stmt), 0o600); err != nil {
		return err
	}
	type bundleRef struct {
		OCI           string `yaml:"oci"`
		Digest        string `yaml:"digest"`
		PredicateType string `yaml:"predicateType"`
	}
	type attestation struct {
		Bundle     bundleRef `yaml:"bundle"`
		AttestedAt time.Time `yaml:"attestedAt"`
	}
	ptr := struct {
		SchemaVersion string        `yaml:"schemaVersion"`
		Recipe        string        `yaml:"recipe"`
		Profile       string        `yaml:"profile,omitempty"`
		Attestations  []attestation `yaml:"attestations"`
	}{"1.0.0", id.Name, id.Selection, []attestation{{bundleRef{"", "", ptype}, pred.AttestedAt}}}
	pyaml, err := deterministicYAML(ptr)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "pointer.yaml"), pyaml, 0o600)
}
