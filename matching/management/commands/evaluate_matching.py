"""manage.py evaluate_matching: precision@5, recall@10 and NDCG@10 of the engine on the labelled set."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from matching import evaluation


class Command(BaseCommand):
    help = "在标注集上评估匹配引擎（precision@5、recall@10、NDCG@10）。Evaluate the engine on the labelled set."

    def add_arguments(self, parser):
        parser.add_argument("--data", default=str(evaluation.DEFAULT_DATA), help="labelled set (JSON)")
        parser.add_argument("--per-demand", action="store_true", help="print each demand's ranking")
        parser.add_argument("--ablation", action="store_true", help="also each component alone / left out")
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args, **opts):
        weights = getattr(settings, "MATCHING_WEIGHTS", None)
        try:
            result = evaluation.evaluate(opts["data"], weights=weights)
        except FileNotFoundError as exc:
            raise CommandError(f"找不到标注集：{exc.filename}") from None
        if result["labelled_but_excluded_by_rules"]:
            self.stderr.write(self.style.WARNING(
                f"标注为相关但被硬性规则排除的专家：{result['labelled_but_excluded_by_rules']}"))
        ablation = evaluation.ablation(opts["data"], weights) if opts["ablation"] else None
        if opts["json"]:
            result = dict(result)
            if not opts["per_demand"]:
                result.pop("per_demand")
            if ablation:
                result["ablation"] = ablation
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"labelled set: {result['queries']} demands, {result['experts']} experts")
        for key in ("precision@5", "recall@10", "ndcg@10"):
            self.stdout.write(f"  {key:<12} {result[key]:.3f}")
        self.stdout.write(f"  (precision@5 ceiling given the labels: {result['precision@5_ceiling']:.3f})")
        if opts["per_demand"]:
            for row in result["per_demand"]:
                marks = " ".join(f"{e}{'**' if row['relevant'].get(e) == 2 else '*' if row['relevant'].get(e) else ''}"
                                 for e in row["ranked"])
                self.stdout.write(f"  #{row['demand']:<3} {row['title']}: {marks}")
        if ablation:
            self.stdout.write("ablation:")
            for name, m in ablation.items():
                self.stdout.write(f"  {name:<24} P@5 {m['precision@5']:.3f}  R@10 {m['recall@10']:.3f}  NDCG@10 {m['ndcg@10']:.3f}")
